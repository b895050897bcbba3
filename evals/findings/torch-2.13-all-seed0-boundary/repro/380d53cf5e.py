# Reproducer for torch.nn.MaxPool1d (hang), found by repowright fuzz.
# torch 2.13.0+cpu; input torch.nn.MaxPool1d#82: boundary value stride: empty sequence; kernel_size: every item 4294967296 (on accepted input torch.nn.MaxPool1d#12).
# Expected outcome: no result within the time limit (10.1067 s)
# Run: python 380d53cf5e.py
import torch
torch.manual_seed(1938077881)
kernel_size_ = (4294967296,)
stride_ = []
dilation_ = (1,)
ceil_mode_ = True
forward_input_ = torch.randn([2, 4, 4], dtype=torch.float32)
module = torch.nn.MaxPool1d(kernel_size_, stride_, dilation=dilation_, ceil_mode=ceil_mode_)
result = module(forward_input_)
