/**
 * Hugging Face checkpoints in safetensors format: reading ({@link
 * org.dpo4j.trainer.checkpoint.CheckpointFiles} over {@link
 * org.dpo4j.trainer.checkpoint.SafetensorsFile}, F32/F16/BF16/F64 decoded to float32 in Java,
 * because DJL's PyTorch engine cannot hold BF16) and writing ({@link
 * org.dpo4j.trainer.checkpoint.ShardedWriter} over {@link
 * org.dpo4j.trainer.checkpoint.SafetensorsWriter}, through {@link
 * org.dpo4j.trainer.checkpoint.AtomicFiles}). Problems with a file a user supplied are one-line
 * {@link org.dpo4j.trainer.common.UserInputException}s naming the file, the tensor and what was
 * expected.
 */
package org.dpo4j.trainer.checkpoint;
