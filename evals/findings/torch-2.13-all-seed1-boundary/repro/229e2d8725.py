# Reproducer for torch.nn.TransformerDecoder (hang), found by repowright fuzz.
# torch 2.13.0+cpu; input torch.nn.TransformerDecoder#1: boundary value num_layers: int:1048576; forward_input: nan.
# Expected outcome: no result within the time limit (10.153 s)
# Run: python 229e2d8725.py
import torch
torch.manual_seed(136797488)
decoder_layer_ = torch.randn([1, 2, 3], dtype=torch.float64)
num_layers_ = 1048576
forward_input_ = torch.full([1, 2, 3], float('nan')).to(torch.float32)
module = torch.nn.TransformerDecoder(decoder_layer_, num_layers_)
result = module(forward_input_)
