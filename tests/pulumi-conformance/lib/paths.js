'use strict';
const fs = require('node:fs');
const path = require('node:path');

const repoRoot = path.resolve(__dirname, '..', '..', '..');
const configuration = (process.env.HDIOV_CONFIGURATION || 'Debug').toLowerCase();

function moduleVersion() {
    const props = fs.readFileSync(path.join(repoRoot, 'Directory.Build.props'), 'utf8');
    const match = /<VersionPrefix>\s*([^<\s]+)\s*<\/VersionPrefix>/.exec(props);
    if (!match) throw new Error('Directory.Build.props has no VersionPrefix');
    return match[1];
}

/** A file the harness needs from the build; a missing one names the build.ps1 task that makes it. */
function required(file, task) {
    if (!fs.existsSync(file)) {
        throw new Error(`${file} is missing; run: dotnet pwsh ./build.ps1 -Task ${task} -Configuration ${configuration === 'release' ? 'Release' : 'Debug'}`);
    }
    return file;
}

const providerBinary = () => required(
    process.env.HDIOV_PROVIDER_PATH || path.join(repoRoot, 'artifacts', 'bin', 'HdIov.Pulumi', configuration, 'pulumi-resource-hdiov'),
    'Build');

const redfishEmulator = () => required(
    path.join(repoRoot, 'artifacts', 'bin', 'HdIov.Testing.Redfish', configuration, 'HdIov.Testing.Redfish.dll'),
    'Build');

const moduleManifest = () => required(path.join(repoRoot, 'out', 'HdIov', moduleVersion(), 'HdIov.psd1'), 'Layout');

module.exports = { repoRoot, configuration, moduleVersion, providerBinary, redfishEmulator, moduleManifest };
