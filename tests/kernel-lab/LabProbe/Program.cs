using HdIov.KernelLab.Probe;

return LabProbeCommand.Run(args);
