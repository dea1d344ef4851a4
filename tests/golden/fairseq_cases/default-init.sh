#!/bin/bash
fairseq-train data-bin --arch transformer --lr-scheduler inverse_sqrt --lr 0.0005 --warmup-updates 25 --max-update 150
