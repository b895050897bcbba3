# Reproducer for torch.nn.TransformerEncoder (hang), found by repowright fuzz.
# torch 2.13.0+cpu; input torch.nn.TransformerEncoder#16: boundary value num_layers: int:4611686018427387904.
# Expected outcome: no result within the time limit (10.183 s)
# Run: python 16c6933baf.py
import torch
torch.manual_seed(2126695352)
encoder_layer_ = torch.randn([2, 3, 1], dtype=torch.float32)
num_layers_ = 4611686018427387904
mask_check_ = True
forward_input_ = torch.randn([2, 3, 1], dtype=torch.float32)
module = torch.nn.TransformerEncoder(encoder_layer_, num_layers_, mask_check=mask_check_)
result = module(forward_input_)
