# Reproducer for torch.nn.LPPool1d (crash), found by repowright fuzz.
# torch 2.13.0+cpu; input torch.nn.LPPool1d#61: boundary value kernel_size: item 9223372036854775807 (on accepted input torch.nn.LPPool1d#29).
# Expected outcome: killed by SIGSEGV
# Run: python b2b052cc84.py
import torch
torch.manual_seed(684968546)
norm_type_ = float('-inf')
kernel_size_ = (9223372036854775807,)
forward_input_ = torch.full([1, 1], 1.0).to(torch.float32)
module = torch.nn.LPPool1d(norm_type_, kernel_size_)
result = module(forward_input_)
