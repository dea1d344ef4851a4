train_cfg = dict(type='IterBasedTrainLoop', max_iters=120, val_interval=40)
param_scheduler = [
    dict(type='LinearLR', start_factor=1e-3, by_epoch=False, begin=0, end=20),
    dict(type='PolyLR', eta_min=1e-4, power=0.9, begin=20, end=120, by_epoch=False),
]
optim_wrapper = dict(type='OptimWrapper', optimizer=dict(type='SGD', lr=0.01, momentum=0.9))
train_dataloader = dict(batch_size=2)
