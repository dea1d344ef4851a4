#!/bin/bash
# case constant
TRAIN_ARGS=(
    --lr 0.0005
    --lr-decay-style constant
    --lr-warmup-iters 12
    --train-iters 40
    --global-batch-size 64
)

torchrun --nproc_per_node 1 pretrain_gpt.py ${TRAIN_ARGS[@]} --data-path $1
