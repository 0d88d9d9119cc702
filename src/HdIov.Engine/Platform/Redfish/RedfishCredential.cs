namespace HdIov.Engine.Platform.Redfish;

/// <summary>
/// A BMC account. It is never part of a spec, a plan, a diagnostic or a log line: <see cref="ToString"/> shows the
/// user name only, and the password is read only when a request is authenticated.
/// </summary>
public sealed class RedfishCredential
{
    /// <summary>The environment variable with the BMC user name, used when a command is given no credential.</summary>
    public const string UserNameVariable = "HDIOV_BMC_USERNAME";

    /// <summary>The environment variable with the BMC password, used when a command is given no credential.</summary>
    public const string PasswordVariable = "HDIOV_BMC_PASSWORD";

    public RedfishCredential(string userName, string password)
    {
        ArgumentException.ThrowIfNullOrEmpty(userName);
        ArgumentNullException.ThrowIfNull(password);
        UserName = userName;
        Password = password;
    }

    public string UserName { get; }

    internal string Password { get; }

    /// <summary>The account in <see cref="UserNameVariable"/> and <see cref="PasswordVariable"/>, or null when either is unset.</summary>
    public static RedfishCredential? FromEnvironment()
    {
        var user = Environment.GetEnvironmentVariable(UserNameVariable);
        var password = Environment.GetEnvironmentVariable(PasswordVariable);
        return string.IsNullOrEmpty(user) || password is null ? null : new RedfishCredential(user, password);
    }

    /// <summary>True when <paramref name="text"/> contains the password (for callers that must keep it out of what they show).</summary>
    public bool Reveals(string? text) => Password.Length > 0 && text is not null && text.Contains(Password, StringComparison.Ordinal);

    public override string ToString() => $"{UserName} (password hidden)";
}
