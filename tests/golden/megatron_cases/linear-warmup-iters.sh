#!/bin/bash
# case linear-warmup-iters
TRAIN_ARGS=(
    --lr 0.001
    --min-lr 1e-05
    --lr-decay-style linear
    --lr-warmup-iters 20
    --train-iters 150
    --global-batch-size 8
    --lr-warmup-init 1e-06
)

torchrun --nproc_per_node 1 pretrain_gpt.py ${TRAIN_ARGS[@]} --data-path $1
