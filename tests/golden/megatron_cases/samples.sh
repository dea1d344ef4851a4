#!/bin/bash
# case samples
TRAIN_ARGS=(
    --lr 0.0006
    --min-lr 6e-05
    --lr-decay-style cosine
    --train-samples 4096
    --lr-warmup-samples 512
    --lr-decay-samples 3584
    --global-batch-size 32
)

torchrun --nproc_per_node 1 pretrain_gpt.py ${TRAIN_ARGS[@]} --data-path $1
