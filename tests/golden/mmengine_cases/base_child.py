_base_ = './_base_/sched.py'
optim_wrapper = dict(optimizer=dict(lr=0.01))
