'use strict';
// Inputs and host facts shared by the tests (profile spr-qat-e810).
const fs = require('node:fs');

const DEVICE_SPLIT = 'hdiov:index:DeviceSplit';
const PLATFORM = 'hdiov:index:Platform';
const ATTACHMENT = 'hdiov:index:Attachment';
const HOST = 'hdiov:index:Host';

const QAT0 = '0000:6b:00.0';
const QAT1 = '0000:70:00.0';
const QAT_VF_PF = '0000:f7:00.0';
const E810 = '0000:16:00.0';

/** An mdev the engine did not make: created on the E810 port through the simulated kernel when the host is made. */
const UNOWNED_UUID = '0c0ffee0-0000-4000-8000-000000000001';
const unownedWrite = [`/sys/bus/pci/devices/${E810}/mdev_supported_types/ice-vdcm/create`, UNOWNED_UUID];

const qatSplit = (asym, pciAddress = QAT0) => ({
    name: 'qat', select: { pciAddress }, mode: 'siov', services: ['asym'], vdevs: { asym },
});

/** The hidden write stamp of the simulated kernel: it changes whenever any host write happens. */
const writeStamp = (host) => fs.readFileSync(host.file('/.hdiov-sim/writes.json'), 'utf8');

module.exports = { DEVICE_SPLIT, PLATFORM, ATTACHMENT, HOST, QAT0, QAT1, QAT_VF_PF, E810, UNOWNED_UUID, unownedWrite, qatSplit, writeStamp };
