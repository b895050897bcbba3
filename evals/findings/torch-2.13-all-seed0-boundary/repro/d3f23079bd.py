# Reproducer for torch.nn.MaxPool1d (crash), found by repowright fuzz.
# torch 2.13.0+cpu; input torch.nn.MaxPool1d#60: boundary value kernel_size: every item 9223372036854775807 (on accepted input torch.nn.MaxPool1d#12).
# Expected outcome: killed by SIGSEGV
# Run: python d3f23079bd.py
import torch
torch.manual_seed(1938077881)
kernel_size_ = (9223372036854775807,)
forward_input_ = torch.full([1, 1], 1.0).to(torch.float32)
module = torch.nn.MaxPool1d(kernel_size_)
result = module(forward_input_)
