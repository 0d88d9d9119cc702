using System.Collections;
using System.Diagnostics;
using System.Globalization;
using HdIov.Engine.Fleet;

namespace HdIov.PowerShell.Fleet;

/// <summary>
/// Why ssh refused a connection, in ssh's own words. PowerShell reports every SSH failure as "the SSH transport process
/// has abruptly terminated"; after such a failure the same connection is tried again with the ssh client alone, with the
/// same options, and its error output becomes the reason (a refused key, an unknown or changed host key, a refused port).
/// </summary>
internal static class SshProbe
{
    public static string? WhyRefused(string user, SshTransport transport, string subsystem, Hashtable options, TimeSpan connectTimeout)
    {
        var start = new ProcessStartInfo("ssh")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (DictionaryEntry option in options)
        {
            start.ArgumentList.Add("-o");
            start.ArgumentList.Add(string.Create(CultureInfo.InvariantCulture, $"{option.Key}={option.Value}"));
        }

        if (transport.KeyFile is not null)
        {
            start.ArgumentList.Add("-i");
            start.ArgumentList.Add(transport.KeyFile);
        }

        start.ArgumentList.Add("-p");
        start.ArgumentList.Add(transport.Port.ToString(CultureInfo.InvariantCulture));
        start.ArgumentList.Add("-l");
        start.ArgumentList.Add(user);
        // The same subsystem with nothing to read: a session that does start ends at once, and a host without the
        // subsystem says so.
        start.ArgumentList.Add("-s");
        start.ArgumentList.Add(transport.Host);
        start.ArgumentList.Add(subsystem);
        try
        {
            using var process = Process.Start(start);
            if (process is null)
            {
                return null;
            }

            process.StandardInput.Close();
            var errors = process.StandardError.ReadToEndAsync();
            if (!process.WaitForExit(connectTimeout + TimeSpan.FromSeconds(2)))
            {
                // It got in this time and did not end: whatever failed before was not a refusal.
                process.Kill(entireProcessTree: true);
                return null;
            }

            var said = string.Join("; ", errors.GetAwaiter().GetResult()
                .Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
            return said.Length == 0 ? null : $"ssh refused the connection: {said}";
        }
        catch (System.ComponentModel.Win32Exception notFound)
        {
            return $"the ssh client could not be started ({notFound.Message}); install openssh-client";
        }
    }
}
