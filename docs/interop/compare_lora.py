"""Loads a dpo4j LoRA run's adapter with PEFT and compares its logits with dpo4j's (LoraLogits.java beside this file).

Usage: python compare_lora.py BASE_FOLDER RUN_DIR path/to/dpo4j.jar
  BASE_FOLDER  the model.path the run trained (a Hugging Face folder)
  RUN_DIR      the run directory: RUN/final is the PEFT adapter, RUN/final-merged (output.merge_lora) if present
"""
import json, os, subprocess, sys
import torch
from transformers import AutoModelForCausalLM, AutoTokenizer
from peft import PeftModel

base_dir, run, jar = sys.argv[1], sys.argv[2], sys.argv[3]
adapter = os.path.join(run, "final")
tok = AutoTokenizer.from_pretrained(adapter)
ids = tok("The soup is lovely, thank you very much for the kind words.")["input_ids"]
base = AutoModelForCausalLM.from_pretrained(base_dir, dtype=torch.float32, attn_implementation="eager").eval()
x = torch.tensor([ids])
with torch.no_grad():
    plain = base(x).logits[0]
    peft = PeftModel.from_pretrained(base, adapter).eval()
    adapted = peft(x).logits[0]
    with peft.disable_adapter():
        off = peft(x).logits[0]
    merged_dir = os.path.join(run, "final-merged")
    merged = (AutoModelForCausalLM.from_pretrained(merged_dir, dtype=torch.float32, attn_implementation="eager").eval()(x).logits[0]
              if os.path.isdir(merged_dir) else None)
out = subprocess.run(["java", "-cp", jar, os.path.join(os.path.dirname(os.path.abspath(__file__)), "LoraLogits.java"),
                      base_dir, adapter] + [str(i) for i in ids], capture_output=True, text=True, check=True).stdout
ours = torch.tensor(json.loads(out.strip().splitlines()[-1]))
n = sum(1 for k in peft.state_dict() if "lora_A" in k)
cfg = json.load(open(os.path.join(adapter, "adapter_config.json")))
print(f"{run}: {type(base).__name__}, PEFT loaded {n} adapted layers (target_modules {cfg['target_modules']},"
      f" r {cfg['r']}, lora_alpha {cfg['lora_alpha']}, fan_in_fan_out {cfg['fan_in_fan_out']}), {len(ids)} tokens:"
      f" max |PEFT - dpo4j| {(adapted - ours).abs().max().item():.2e}"
      + (f", |PEFT - transformers(final-merged)| {(adapted - merged).abs().max().item():.2e}" if merged is not None else "")
      + f", |adapters off - base| {(off - plain).abs().max().item():.2e}, the adapter moves logits by {(adapted - plain).abs().max().item():.2e}")
