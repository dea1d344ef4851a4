_base_ = ['./_base_/schedule_1x.py']

# a RetinaNet-style run on 8 GPUs x 2 images: the base 1x schedule, a longer warmup, lr 0.01
train_dataloader = dict(
    batch_size=2,
    num_workers=2,
    persistent_workers=True,
    sampler=dict(type='DefaultSampler', shuffle=True),
    dataset=dict(type='CocoDataset', data_root='data/coco/', ann_file='annotations/instances_train2017.json',
                 pipeline=[dict(type='LoadImageFromFile'), dict(type='Resize', scale=(1333, 800), keep_ratio=True)]))

param_scheduler = [
    dict(type='LinearLR', start_factor=0.001, by_epoch=False, begin=0, end=1000),
    dict(type='MultiStepLR', begin=0, end={{_base_.train_cfg.max_epochs}}, by_epoch=True, milestones=[8, 11], gamma=0.1)
]

optim_wrapper = dict(optimizer=dict(lr=0.01))
img_scales = [(1333, 640 + 32 * i) for i in range(6)]  # not a literal: ignored, nothing needs it
