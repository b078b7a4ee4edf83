"""Identity (Keystone v3): its catalog entry and version documents, the token (whose catalog
lists every offered service), its part of the cloud's state, and its routes."""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, Any

from exporter.demo import bodies
from exporter.demo.routes import CATALOG, Request, Result, Service, filter_by, offer, route

if TYPE_CHECKING:
    from exporter.demo.cloud import DemoCloud


class IdentityState:
    """DemoCloud's identity part: tokens and projects."""

    def revoke_tokens(self) -> int:
        """Forget every issued token, as a Keystone restart with new fernet keys does.

        Authenticated requests then get 401 until the client authenticates again. Returns how
        many tokens were revoked.
        """
        with self.lock:
            revoked = len(self.tokens)
            self.tokens.clear()
            self.system_tokens.clear()
            return revoked

    def delete_project(self, project_id: str) -> None:
        """Keystone forgets the project; as in real clouds, its resources may stay behind."""
        with self.lock:
            self.projects = [p for p in self.projects if p.id != project_id]
            for overrides in self.quota_overrides.values():
                overrides.pop(project_id, None)


# -- catalog entry, version documents, token -------------------------------------------------------


def identity_versions(base: str) -> dict[str, Any]:
    return {"versions": {"values": [identity_version(base)["version"]]}}


def identity_version(base: str) -> dict[str, Any]:
    return {
        "version": {
            "id": "v3.14",
            "status": "stable",
            "updated": "2020-04-07T00:00:00Z",
            "links": [{"rel": "self", "href": f"{base}/identity/v3/"}],
            "media-types": [
                {"base": "application/json", "type": "application/vnd.openstack.identity-v3+json"}
            ],
        }
    }


SERVICE = offer(
    Service(
        "identity",
        "keystone",
        "/identity/v3",
        "identity",
        lambda base: {"/identity": identity_versions(base), "/identity/v3": identity_version(base)},
        IdentityState,
    )
)


def token(cloud: DemoCloud, base: str, system: bool = False) -> dict[str, Any]:
    now = time.time()
    project = cloud.project_id.replace("-", "")
    catalog = []
    for stype in cloud.services:
        # Keystone fills in the token's project where an endpoint names it (Heat's does).
        name = CATALOG[stype].name
        path = CATALOG[stype].endpoint.replace("%(tenant_id)s", project)
        catalog.append(
            {
                "endpoints": [
                    {
                        "region_id": "RegionOne",
                        "url": f"{base}{path}",
                        "region": "RegionOne",
                        "interface": interface,
                        "id": f"{stype}-{interface}".replace("-", "")[:32].ljust(32, "0"),
                    }
                    for interface in ("public", "internal", "admin")
                ],
                "type": stype,
                "id": f"{stype}".replace("-", "").ljust(32, "0"),
                "name": name,
            }
        )
    # Keystone scopes a token to a project or to the system, never both.
    scope: dict[str, Any] = (
        {"system": {"all": True}}
        if system
        else {
            "project": {
                "domain": {"id": "default", "name": "Default"},
                "id": project,
                "name": "admin",
            },
            "is_domain": False,
        }
    )
    return {
        "token": {
            "methods": ["password"],
            "roles": [{"id": "51cc68287d524c759f47c811e6463340", "name": "admin"}],
            "expires_at": bodies.iso_z(now + 3600),
            **scope,
            "catalog": catalog,
            "user": {
                "domain": {"id": "default", "name": "Default"},
                "id": cloud.user_id.replace("-", ""),
                "name": cloud.username,
                "password_expires_at": None,
            },
            "audit_ids": ["3T2dc1CGQxyJsHdDu1xkcw"],
            "issued_at": bodies.iso_z(now),
        }
    }


# -- routes ----------------------------------------------------------------------------------------


def _links(req: Request, path: str) -> dict[str, Any]:
    return {"self": f"{req.base}{path}", "previous": None, "next": None}


@route(r"/identity/v3/projects")
def projects(req: Request) -> Result:
    with req.cloud.lock:
        items = [
            {
                "is_domain": False,
                "description": p.description or None,
                "domain_id": p.domain_id,
                "enabled": p.enabled,
                "id": p.id,
                "links": {"self": f"{req.base}/identity/v3/projects/{p.id}"},
                "name": p.name,
                "parent_id": p.domain_id,
                "tags": [],
            }
            for p in req.cloud.projects
        ]
    return 200, {
        "links": _links(req, "/identity/v3/projects"),
        "projects": filter_by(items, req, "domain_id", "name"),
    }


def _service_id(service_type: str) -> str:
    return service_type.replace("-", "").replace("_", "").ljust(32, "0")


@route(r"/identity/v3/registered_limits")
def registered_limits(req: Request) -> Result:
    with req.cloud.lock:
        items = [
            {
                "resource_name": res,
                "region_id": None,
                "service_id": _service_id(svc),
                "default_limit": limit,
                "id": _service_id(svc + res)[:32],
                "description": None,
                "links": {"self": f"{req.base}/identity/v3/registered_limits/x"},
            }
            for (svc, res), limit in sorted(req.cloud.registered_limits.items())
        ]
    return 200, {"links": _links(req, "/identity/v3/registered_limits"), "registered_limits": items}


@route(r"/identity/v3/limits")
def project_limits(req: Request) -> Result:
    with req.cloud.lock:
        items = [
            {
                "resource_name": res,
                "region_id": None,
                "service_id": _service_id(svc),
                "project_id": pid,
                "domain_id": None,
                "id": (pid + res)[:32],
                "resource_limit": limit,
                "description": None,
                "links": {"self": f"{req.base}/identity/v3/limits/x"},
            }
            for (pid, svc, res), limit in sorted(req.cloud.project_limits.items())
        ]
    return 200, {"links": _links(req, "/identity/v3/limits"), "limits": items}


@route(r"/identity/v3/domains")
def domains(req: Request) -> Result:
    return 200, {
        "links": _links(req, "/identity/v3/domains"),
        "domains": [
            {
                "id": "default",
                "name": "Default",
                "enabled": True,
                "description": "",
                "links": {"self": f"{req.base}/identity/v3/domains/default"},
                "tags": [],
            }
        ],
    }
