# Reproducer for torch.nn.TransformerDecoder (hang), found by repowright fuzz.
# torch 2.13.0+cpu; input torch.nn.TransformerDecoder#5: boundary value num_layers: int:9223372036854775807; forward_input: None.
# Expected outcome: no result within the time limit (10.2219 s)
# Run: python 229e2d8725.py
import torch
torch.manual_seed(142417399)
decoder_layer_ = torch.randn([3, 4], dtype=torch.float32)
num_layers_ = 9223372036854775807
forward_input_ = None
module = torch.nn.TransformerDecoder(decoder_layer_, num_layers_)
result = module(forward_input_)
