/**
 * LoRA adapters, PEFT-compatible: which layers a {@code target_modules} selects
 * ({@link org.dpo4j.trainer.lora.LoraTargets}), the adapter layers attached to a model's weights
 * ({@link org.dpo4j.trainer.lora.LoraAdapters}, applied through {@code model.Linear}), PEFT adapter
 * folders in and out ({@link org.dpo4j.trainer.lora.PeftAdapterFolder}) and merging into the base
 * weights ({@link org.dpo4j.trainer.lora.LoraMerge}).
 */
package org.dpo4j.trainer.lora;
