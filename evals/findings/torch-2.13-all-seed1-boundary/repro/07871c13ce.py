# Reproducer for torch.nn.LPPool1d (hang), found by repowright fuzz.
# torch 2.13.0+cpu; input torch.nn.LPPool1d#296: boundary value kernel_size: int:4611686018427387904; norm_type: float:inf (on accepted input torch.nn.LPPool1d#5).
# Expected outcome: no result within the time limit (10.0198 s)
# Run: python 07871c13ce.py
import torch
torch.manual_seed(465466748)
norm_type_ = float('inf')
kernel_size_ = 4611686018427387904
forward_input_ = torch.randn([4, 4], dtype=torch.float32)
module = torch.nn.LPPool1d(norm_type_, kernel_size_)
result = module(forward_input_)
