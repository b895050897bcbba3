# Reproducer for torch.nn.MaxPool1d (hang), found by repowright fuzz.
# torch 2.13.0+cpu; input torch.nn.MaxPool1d#34: boundary value forward_input: int_extreme; kernel_size: int:4611686018427387904 (on accepted input torch.nn.MaxPool1d#28).
# Expected outcome: no result within the time limit (10.0974 s)
# Run: python 380d53cf5e.py
import torch
torch.manual_seed(880228824)
kernel_size_ = 4611686018427387904
stride_ = [2]
ceil_mode_ = True
forward_input_ = torch.full([1, 3, 3], 9223372036854775807, dtype=torch.int64).to(torch.float32)
module = torch.nn.MaxPool1d(kernel_size_, stride_, ceil_mode=ceil_mode_)
result = module(forward_input_)
