"""Loads a dpo4j model folder in transformers and compares its logits with dpo4j's (Logits.java beside this file).

Usage: python compare_logits.py FOLDER path/to/dpo4j.jar   
"""
import json, os, subprocess, sys
import torch
from transformers import AutoModelForCausalLM, AutoTokenizer

folder, jar = sys.argv[1], sys.argv[2]
tok = AutoTokenizer.from_pretrained(folder)
ids = tok("The soup is lovely, thank you very much for the kind words.")["input_ids"]
model = AutoModelForCausalLM.from_pretrained(folder, dtype=torch.float32, attn_implementation="eager").eval()
with torch.no_grad():
    hf = model(torch.tensor([ids])).logits[0]
out = subprocess.run(["java", "-cp", jar, os.path.join(os.path.dirname(os.path.abspath(__file__)), "Logits.java"), folder] + [str(i) for i in ids],
                     capture_output=True, text=True, check=True).stdout
ours = torch.tensor(json.loads(out.strip().splitlines()[-1]))
print(f"{folder}: {type(model).__name__}, {len(ids)} tokens, max |logit diff| {(hf - ours).abs().max().item():.2e}, "
      f"logit range {hf.abs().max().item():.2f}")
