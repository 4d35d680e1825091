"""The soak's training job: a real (small) PyTorch loop that saves a checkpoint every step, atomically
(write to *.tmp, then rename), and records the sha256 of every checkpoint it completed in saved.log (the
soak's oracle for "complete on the box": outside the checkpoint globs). A restart resumes after the last
recorded step. Args: RUN_ID STEPS SECONDS_PER_STEP."""
import hashlib
import os
import sys
import time

import torch

run_id, steps, pause = sys.argv[1], int(sys.argv[2]), float(sys.argv[3])
os.makedirs("ck", exist_ok=True)
done = 0
if os.path.exists("saved.log"):
    with open("saved.log") as f:
        done = max([int(line.split()[0]) for line in f if line.strip()] or [0])
torch.manual_seed(done)
model = torch.nn.Linear(512, 512)
for step in range(done + 1, steps + 1):
    print(f"step {step} loss {1.0 / step:.4f} run {run_id}", flush=True)
    path = f"ck/step-{step:03d}.pt"
    torch.save({"model": model.state_dict(), "step": step}, path + ".tmp")
    os.replace(path + ".tmp", path)
    with open(path, "rb") as f:
        digest = hashlib.sha256(f.read()).hexdigest()
    with open("saved.log", "a") as f:
        f.write(f"{step} {digest} {path}\n")
    time.sleep(pause)
print(f"done {run_id}", flush=True)
