# Reproducer for torch.nn.LPPool1d (hang), found by repowright fuzz.
# torch 2.13.0+cpu; input torch.nn.LPPool1d#114: boundary value kernel_size: item 2147483648 (on accepted input torch.nn.LPPool1d#29).
# Expected outcome: no result within the time limit (10.0824 s)
# Run: python 07871c13ce.py
import torch
torch.manual_seed(684968546)
norm_type_ = float('-inf')
kernel_size_ = (2147483648,)
ceil_mode_ = True
forward_input_ = torch.randn([3, 4], dtype=torch.float32)
module = torch.nn.LPPool1d(norm_type_, kernel_size_, ceil_mode=ceil_mode_)
result = module(forward_input_)
