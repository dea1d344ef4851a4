#!/bin/bash
fairseq-train data-bin --arch transformer --lr-scheduler inverse_sqrt --lr 0.001 --warmup-updates 1 --warmup-init-lr 0.0 --max-update 60
