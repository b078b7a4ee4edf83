"""clouds.yaml: the entry the config names, resolved and checked without contacting Keystone.

clouds.yaml holds passwords, so no message here quotes a value from it: only paths, cloud
names (its keys) and the names of missing options.
"""

from __future__ import annotations

import json
from pathlib import Path

import openstack
import yaml
from keystoneauth1.exceptions.auth_plugins import (
    AuthPluginException,
    MissingRequiredOptions,
    NoMatchingPlugin,
)
from openstack.config import OpenStackConfig
from openstack.config.cloud_region import CloudRegion

from exporter.config import DEFAULT_API_TIMEOUT, ConfigInvalid, Settings

_SECRET_AUTH_KEYS = ("password", "token", "application_credential_secret", "secret")
# Where openstacksdk looks when no clouds_file is given (openstack/config/loader.py CONFIG_FILES).
_SEARCHED = "$OS_CLIENT_CONFIG_FILE, ./clouds.yaml, ~/.config/openstack/, /etc/openstack/"


def cloud_region(settings: Settings) -> CloudRegion:
    """The cloud's CloudRegion, or ConfigInvalid naming what is wrong with its clouds.yaml."""
    return resolve(settings.cloud, settings.clouds_file, settings.api_timeout)


def system_region(settings: Settings) -> CloudRegion | None:
    """The ``system_cloud`` entry's CloudRegion, if the config names one."""
    if settings.system_cloud is None:
        return None
    return resolve(settings.system_cloud, settings.clouds_file, settings.api_timeout)


def resolve(
    cloud: str, clouds_file: str | None, api_timeout: float = DEFAULT_API_TIMEOUT
) -> CloudRegion:
    """Resolve the clouds.yaml entry and load its auth plugin, without contacting Keystone.

    Loading the plugin is what checks its required options (auth_url...): without it the first
    collector run would fail with MissingRequiredOptions, after the port is bound.
    """
    where = f"cloud {cloud!r}"
    if clouds_file is not None:
        problem = file_problem(clouds_file)
        if problem:
            raise ConfigInvalid([problem])
    try:
        if clouds_file is None:
            config = OpenStackConfig()
        else:
            # Only this file: with the environment loaded, $OS_CLIENT_CONFIG_FILE would be read
            # before it and OS_* variables would add an "envvars" cloud.
            config = OpenStackConfig(config_files=[clouds_file], load_envvars=False)
        names = config.get_cloud_names()
        if cloud not in names:
            source = clouds_file or config.config_filename
            if source is None:
                raise ConfigInvalid([f"{where}: no clouds.yaml found (looked in {_SEARCHED})"])
            known = ", ".join(sorted(map(str, names))) or "none"
            raise ConfigInvalid(
                [f"{where}: {source} has no entry named {cloud!r} (known: {known})"]
            )
        if not isinstance(config.cloud_config["clouds"][cloud], dict):
            raise ConfigInvalid([f"{where}: clouds.yaml entry must be a mapping"])
        return config.get_one(cloud=cloud, api_timeout=api_timeout)
    except MissingRequiredOptions as exc:
        missing = ", ".join(sorted({opt.dest for opt in exc.options}))
        raise ConfigInvalid([f"{where}: clouds.yaml entry lacks {missing}"]) from None
    except NoMatchingPlugin:
        raise ConfigInvalid(
            [f"{where}: clouds.yaml entry's auth_type names no installed keystoneauth plugin"]
        ) from None
    except AuthPluginException as exc:
        # OptionError's texts are keystoneauth's own sentences about option names, no values.
        raise ConfigInvalid([f"{where}: clouds.yaml entry's auth is incomplete: {exc}"]) from None
    except openstack.exceptions.ConfigException as exc:
        # The SDK's message names the cloud, regions and files it read; it holds no credentials.
        raise ConfigInvalid([f"{where}: {exc}"]) from None
    except (AttributeError, KeyError, IndexError, TypeError, ValueError) as exc:
        # A malformed entry (auth: a string, a "{...}" in auth_url the SDK formats) breaks the
        # SDK's own parsing; its message could quote the entry, so only the type is shown.
        raise ConfigInvalid(
            [f"{where}: clouds.yaml entry is malformed ({type(exc).__name__} in openstacksdk)"]
        ) from None


def file_problem(path: str) -> str | None:
    """What makes ``path`` unusable as a clouds.yaml, if anything.

    openstacksdk skips a file it cannot read or parse and then reports only that the cloud "was
    not found"; checking first gives the admin the real reason.
    """
    label = f"clouds_file {path}"
    file = Path(path)
    if file.is_dir():
        return f"{label}: is a directory, not a clouds.yaml file"
    try:
        text = file.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        return f"{label}: not UTF-8 text"
    except OSError as exc:
        return f"{label}: cannot read it ({exc.strerror})"
    if path.endswith("json"):  # as openstacksdk decides
        try:
            data = json.loads(text)
        except ValueError as exc:
            return f"{label}: not valid JSON at line {getattr(exc, 'lineno', '?')}"
    else:
        try:
            data = yaml.safe_load(text)
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None)
            return f"{label}: not valid YAML" + (f" at line {mark.line + 1}" if mark else "")
    if not isinstance(data, dict) or not isinstance(data.get("clouds"), dict):
        return f"{label}: has no 'clouds:' mapping"
    return None


def secrets_of(region: CloudRegion) -> list[str]:
    auth = region.config.get("auth") or {}
    return [str(auth[k]) for k in _SECRET_AUTH_KEYS if auth.get(k)]
