#!/bin/bash
# case isr-drops-to-min
TRAIN_ARGS=(
    --lr 0.002
    --min-lr 0.0001
    --lr-decay-style inverse-square-root
    --lr-warmup-iters 10
    --lr-decay-iters 120
    --train-iters 160
    --global-batch-size 24
)

torchrun --nproc_per_node 1 pretrain_gpt.py ${TRAIN_ARGS[@]} --data-path $1
