namespace HdIov.Engine.Discovery;

/// <summary>How an owned VDEV came to be: declared by a spec, or created on request by a script or a person.</summary>
public enum VdevOrigin
{
    /// <summary>Declared by a spec; a converge keeps, re-creates and removes it as the spec says.</summary>
    Declarative,

    /// <summary>
    /// Created on request (<c>New-HdIovVirtualDevice</c>); a converge leaves it alone unless the spec declares a VDEV
    /// it can take over or the device entry of its parent says <c>ownership: prune</c>.
    /// </summary>
    Imperative,
}
