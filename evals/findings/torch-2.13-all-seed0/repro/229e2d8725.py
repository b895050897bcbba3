# Reproducer for torch.nn.TransformerDecoder (hang), found by repowright fuzz.
# torch 2.13.0+cpu; input torch.nn.TransformerDecoder#12: boundary value num_layers: int:1048576.
# Expected outcome: no result within the time limit (10.1696 s)
# Run: python 229e2d8725.py
import torch
torch.manual_seed(357354032)
decoder_layer_ = torch.randn([2, 4, 1], dtype=torch.float32)
num_layers_ = 1048576
forward_input_ = torch.randn([2, 4, 1], dtype=torch.float32)
module = torch.nn.TransformerDecoder(decoder_layer_, num_layers_)
result = module(forward_input_)
