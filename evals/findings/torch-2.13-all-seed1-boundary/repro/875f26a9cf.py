# Reproducer for torch.nn.functional.adaptive_max_pool2d (hang), found by repowright fuzz.
# torch 2.13.0+cpu; input torch.nn.functional.adaptive_max_pool2d#156: boundary value output_size: item 4611686018427387904.
# Expected outcome: no result within the time limit (10.0884 s)
# Run: python 875f26a9cf.py
import torch
torch.manual_seed(689256791)
input_ = torch.randn([2, 3, 3], dtype=torch.float64)
output_size_ = [4611686018427387904, 0]
return_indices_ = False
result = torch.nn.functional.adaptive_max_pool2d(input_, output_size_, return_indices_)
