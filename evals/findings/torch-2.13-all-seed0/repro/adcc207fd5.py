# Reproducer for torch.nn.AdaptiveMaxPool2d (hang), found by repowright fuzz.
# torch 2.13.0+cpu; input torch.nn.AdaptiveMaxPool2d#62: boundary value output_size: seq item 2147483647.
# Expected outcome: no result within the time limit (10.0383 s)
# Run: python adcc207fd5.py
import torch
torch.manual_seed(430474137)
output_size_ = (2147483647, 0)
return_indices_ = False
forward_input_ = torch.randn([3, 2, 2], dtype=torch.float32)
module = torch.nn.AdaptiveMaxPool2d(output_size_, return_indices_)
result = module(forward_input_)
