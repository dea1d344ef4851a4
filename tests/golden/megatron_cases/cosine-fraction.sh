#!/bin/bash
# case cosine-fraction
TRAIN_ARGS=(
    --lr 0.0003
    --min-lr 3e-05
    --lr-decay-style cosine
    --lr-warmup-fraction 0.07
    --lr-decay-iters 180
    --train-iters 200
    --global-batch-size 32
)

torchrun --nproc_per_node 1 pretrain_gpt.py ${TRAIN_ARGS[@]} --data-path $1
