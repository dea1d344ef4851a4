#!/bin/bash
# case wsd-exponential
TRAIN_ARGS=(
    --lr 0.001
    --min-lr 0.0001
    --lr-decay-style WSD
    --lr-warmup-iters 10
    --lr-wsd-decay-iters 40
    --train-iters 120
    --global-batch-size 16
)

torchrun --nproc_per_node 1 pretrain_gpt.py ${TRAIN_ARGS[@]} --data-path $1
