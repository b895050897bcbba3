# Reproducer for torch.Tensor.index_put_ (internal_assert), found by repowright fuzz.
# torch 2.13.0+cpu; input torch.Tensor.index_put_#68: boundary value indices: empty sequence.
# Expected outcome: RuntimeError: ntensor >= 3 INTERNAL ASSERT FAILED at "/__w/pytorch/pytorch/aten/src/ATen/native/cpu/IndexKernelUtils.h":8, please report a bug to PyTorch.
# Run: python 1da4a89833.py
import torch
torch.manual_seed(3350265)
self_ = torch.full([4], 1.0).to(torch.float32)
indices_ = []
values_ = torch.full([4], 1.0).to(torch.float32)
result = torch.Tensor.index_put_(self_, indices_, values_)
