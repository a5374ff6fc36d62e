/**
 * Infrastructure shared by every module: settings read from HOCON and checked against the known keys
 * ({@link io.sparkinception.common.Settings}), files on any Hadoop file system
 * ({@link io.sparkinception.common.HadoopFiles}), and output directories that never delete what the project did not
 * write ({@link io.sparkinception.common.OutputDirectory}, {@link io.sparkinception.common.OutputSwap}).
 */
package io.sparkinception.common;
