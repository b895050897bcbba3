# Reproducer for torch.istft (internal_assert), found by repowright fuzz.
# torch 2.13.0+cpu; input torch.istft#281: boundary value input: empty_huge (on accepted input torch.istft#14).
# Expected outcome: RuntimeError: 0 INTERNAL ASSERT FAILED at "/__w/pytorch/pytorch/torch/csrc/utils/python_arg_parser.cpp":659, please report a bug to PyTorch. dispatch_on_subclass called with NO overloaded args that actually triggered dispatch, perhaps there is a divergence in how you detect torch function/dispatch a
# Run: python b3cd584323.py
import torch
torch.manual_seed(1307637482)
input_ = torch.full([0, 4611686018427387904], 1.0).to(torch.complex64)
n_fft_ = 1
result = torch.istft(input_, n_fft_)
