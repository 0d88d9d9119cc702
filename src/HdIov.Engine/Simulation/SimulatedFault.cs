using HdIov.Engine.Interop;

namespace HdIov.Engine.Simulation;

/// <summary>
/// A planned failure: the <paramref name="AtWrite"/>-th host write after injection (1-based) fails with
/// <paramref name="Errno"/>, or, with <paramref name="Crash"/>, throws <see cref="SimulatedCrashException"/>.
/// Either way nothing is changed by that write.
/// </summary>
public sealed record SimulatedFault(int AtWrite, Errno Errno = Errno.EIO, bool Crash = false);
