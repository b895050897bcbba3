# Reproducer for torch.chunk (hang), found by repowright fuzz.
# torch 2.13.0+cpu; input torch.chunk#42: boundary value input: empty_huge; dim: int:-1; chunks: int:1048576.
# Expected outcome: no result within the time limit (10.5809 s)
# Run: python 368a8669ff.py
import torch
torch.manual_seed(296806845)
input_ = torch.randn([0, 2147483648], dtype=torch.float32)
chunks_ = 1048576
dim_ = -1
result = torch.chunk(input_, chunks_, dim_)
