# Reproducer for torch.nn.functional.max_pool1d (crash), found by repowright fuzz.
# torch 2.13.0+cpu; input torch.nn.functional.max_pool1d#47: boundary value kernel_size: seq item 9223372036854775807.
# Expected outcome: killed by SIGSEGV
# Run: python 862c52cdff.py
import torch
torch.manual_seed(1317417856)
input_ = torch.randn([3, 4, 1], dtype=torch.float64)
kernel_size_ = [9223372036854775807]
dilation_ = 1
ceil_mode_ = False
result = torch.nn.functional.max_pool1d(input_, kernel_size_, dilation=dilation_, ceil_mode=ceil_mode_)
