# Reproducer for torch.nn.AdaptiveAvgPool3d (hang), found by repowright fuzz.
# torch 2.13.0+cpu; input torch.nn.AdaptiveAvgPool3d#12: boundary value output_size: seq item 2147483647.
# Expected outcome: no result within the time limit (10.1098 s)
# Run: python 60e9a13549.py
import torch
torch.manual_seed(1312406294)
output_size_ = (2147483647, 1, 0)
forward_input_ = torch.randn([1, 4, 3, 4], dtype=torch.float32)
module = torch.nn.AdaptiveAvgPool3d(output_size_)
result = module(forward_input_)
