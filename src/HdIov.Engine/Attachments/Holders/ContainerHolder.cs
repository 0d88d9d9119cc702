namespace HdIov.Engine.Attachments.Holders;

/// <summary>The CDI spec publishes the VDEV to containers as <see cref="CdiDevice"/>.</summary>
public sealed record ContainerHolder(string CdiDevice) : DeviceHolder
{
    public override string Describe() => $"containers, through the CDI device {CdiSpecDocument.Kind}={CdiDevice}";

    public override string Fix(string device) =>
        $"stop the containers that use {CdiSpecDocument.Kind}={CdiDevice} and drop it (Disconnect-HdIovVirtualDevice -Container, or remove its container attachment)";
}
