"""A tiny real training job for the demo: a 32-64-1 MLP on random data (Debian's python3-torch).

Prints `step N loss X` lines and publishes a checkpoint atomically (tmp + rename) every 300 steps.
"""
import os
import sys
import time

import torch

steps = int(sys.argv[1]) if len(sys.argv) > 1 else 3000
torch.manual_seed(0)
model = torch.nn.Sequential(torch.nn.Linear(32, 64), torch.nn.ReLU(), torch.nn.Linear(64, 1))
opt = torch.optim.SGD(model.parameters(), lr=0.05)
x = torch.randn(4096, 32)
y = x[:, :1] * 0.5 + 0.1 * torch.randn(4096, 1)
os.makedirs("checkpoints", exist_ok=True)
print(f"epoch 1/1 training {steps} steps", flush=True)
for step in range(1, steps + 1):
    idx = torch.randint(0, 4096, (256,))
    loss = torch.nn.functional.mse_loss(model(x[idx]), y[idx])
    opt.zero_grad()
    loss.backward()
    opt.step()
    if step % 300 == 0:
        path = f"checkpoints/step{step:06d}.pt"
        torch.save({"step": step, "model": model.state_dict()}, path + ".tmp")
        os.replace(path + ".tmp", path)
        print(f"step {step} loss {loss.item():.4f} saved {path}")
        time.sleep(0.3)
print("training done")
