/** Image math (plain Java), annotation readers and the Spark preprocessing pipeline. */
package io.sparkinception.preprocessing;
