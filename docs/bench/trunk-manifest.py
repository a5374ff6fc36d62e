# Writes an ensemble.json over hand-trained runs (BENCHMARKS.md, issue 14, run 11: seven members trained by hand from a
# trunk), so that `evaluate` scores them as an ensemble. Usage: python3 trunk-manifest.py OUT_DIR DATA_DIR RUN_DIR...
# evaluate reads member-i from OUT_DIR itself (it never follows a manifest out of the model directory): link them,
#   for i in 1 2 3 4 5 6 7; do ln -s ../b$i OUT_DIR/member-$i; done
import json, sys, os, datetime
out, data, runs = sys.argv[1], sys.argv[2], sys.argv[3:]
meta = json.load(open(os.path.join(data, 'metadata.json')))
members = []
for i, r in enumerate(runs):
    s = json.load(open(os.path.join(r, 'summary.json')))
    members.append({'name': 'member-%d' % (i + 1), 'dir': 'file:' + os.path.abspath(r), 'family': s.get('family', 'googlenet'),
                    'width': s['width'], 'seed': s['seed'], 'sampling_seed': s['sampling_seed'], 'wide': False,
                    'status': 'trained', 'training_seconds': s['wall_seconds'], 'summary': s,
                    'time_budget': s['time_budget']['budget'] if s.get('time_budget') else None})
n = len(members)
m = {'format_version': 1, 'created_at': datetime.datetime.utcnow().isoformat() + 'Z', 'data': 'file:' + os.path.abspath(data),
     'spec': meta['spec'], 'classes': [c['label'] for c in meta['classes']], 'members': members,
     'weights': {'method': 'uniform', 'weights': [1.0 / n] * n, 'model_file': None, 'val_examples': 0,
                 'uniform_val_log_loss': None, 'weighted_val_log_loss': None, 'iterations': 0, 'converged': True},
     'total_training_seconds': sum(x['training_seconds'] for x in members), 'wall_seconds': 0,
     'ensemble_config': 'hand-written by manifest.py', 'train_config': 'see each member'}
os.makedirs(out, exist_ok=True)
json.dump(m, open(os.path.join(out, 'ensemble.json'), 'w'), indent=1)
print('wrote', out, n, 'members')
