# Reproducer for torch.nn.Conv2d (crash), found by repowright fuzz.
# torch 2.13.0+cpu; input torch.nn.Conv2d#164: boundary value padding: every item 9223372036854775807; stride: int:2147483647.
# Expected outcome: killed by SIGSEGV
# Run: python 2d282dde2a.py
import torch
torch.manual_seed(830325914)
in_channels_ = 1
out_channels_ = 1
kernel_size_ = 1
padding_ = [1, 9223372036854775807]
padding_mode_ = 'replicate'
forward_input_ = torch.full([1, 1, 2], 1.0).to(torch.float32)
module = torch.nn.Conv2d(in_channels_, out_channels_, kernel_size_, padding=padding_, padding_mode=padding_mode_)
result = module(forward_input_)
