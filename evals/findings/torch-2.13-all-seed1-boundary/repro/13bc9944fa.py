# Reproducer for torch.nn.functional.scaled_dot_product_attention (crash), found by repowright fuzz.
# torch 2.13.0+cpu; input torch.nn.functional.scaled_dot_product_attention#85: boundary value key: empty_huge (on accepted input torch.nn.functional.scaled_dot_product_attention#1).
# Expected outcome: killed by SIGFPE
# Run: python 13bc9944fa.py
import torch
torch.manual_seed(1297033433)
query_ = torch.full([1, 1, 1], 1.0).to(torch.float32)
key_ = torch.full([0, 1, 1], 1.0).to(torch.float32)
value_ = torch.full([1, 1, 1], 1.0).to(torch.float32)
dropout_p_ = 1.0
is_causal_ = True
enable_gqa_ = True
result = torch.nn.functional.scaled_dot_product_attention(query_, key_, value_, dropout_p=dropout_p_, is_causal=is_causal_, enable_gqa=enable_gqa_)
