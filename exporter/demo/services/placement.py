"""Placement: its catalog entry and version document, its part of the cloud's state (providers,
inventories, allocations and the usages they sum to), and its routes."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from exporter.demo.capacity import Provider, fits
from exporter.demo.routes import NOT_FOUND, Request, Result, Service, filter_by, offer, route

PLACEMENT_MAX = "1.39"


class PlacementState:
    """DemoCloud's placement part: providers, and the allocations consumers hold on them."""

    def _add_provider(self, name: str, parent: Provider | None) -> Provider:
        uid = self._uuid()
        provider = Provider(
            uid, name, parent.uuid if parent else None, parent.root_uuid if parent else uid
        )
        self.providers[uid] = provider
        self._by_name[name] = provider
        return provider

    def provider_by_name(self, name: str) -> Provider | None:
        provider = self._by_name.get(name)
        return provider if provider is not None and provider.uuid in self.providers else None

    def usages(self, provider_uuid: str) -> dict[str, int]:
        with self.lock:
            return dict(self._used.get(provider_uuid, {}))

    def _account(self, alloc: dict[str, dict[str, int]], sign: int) -> None:
        for puuid, resources in alloc.items():
            used = self._used.setdefault(puuid, {})
            for rc, amount in resources.items():
                used[rc] = used.get(rc, 0) + sign * amount
            # Placement bumps a provider's generation when allocations are written against
            # it, not when they are deleted (placement/objects/allocation.py).
            if sign > 0 and puuid in self.providers:
                self.providers[puuid].generation += 1

    def _usage_with(self, provider: Provider, pending: dict[str, dict[str, int]]) -> dict:
        used = self.usages(provider.uuid)
        for rc, amount in pending.get(provider.uuid, {}).items():
            used[rc] = used.get(rc, 0) + amount
        return used

    def delete_allocation(self, consumer: str) -> None:
        """An operator deletes a consumer's allocations in Placement (no generation change)."""
        with self.lock:
            self._account(self.allocations.pop(consumer, {}), -1)

    def _claim(self, host: str, request: Mapping[str, int]) -> dict[str, dict[str, int]] | None:
        root = self.provider_by_name(host)
        if root is None:
            return None
        tree = [p for p in self.providers.values() if p.root_uuid == root.uuid]
        alloc: dict[str, dict[str, int]] = {}
        for rc, amount in request.items():
            target = next(
                (p for p in tree if fits(p, self._usage_with(p, alloc), rc, amount)), None
            )
            if target is None:
                return None
            alloc.setdefault(target.uuid, {})[rc] = amount
        return alloc

    def set_inventory(self, host: str, resource_class: str, **changes: float) -> None:
        with self.lock:
            provider = self.provider_by_name(host)
            assert provider is not None, host
            inv = provider.inventories[resource_class]
            for key, value in changes.items():
                setattr(inv, key, value)
            provider.generation += 1


# -- catalog entry and version document ------------------------------------------------------------


def placement_root() -> dict[str, Any]:
    return {
        "versions": [
            {
                "min_version": "1.0",
                "id": "v1.0",
                "max_version": PLACEMENT_MAX,
                "status": "CURRENT",
                "links": [{"href": "", "rel": "self"}],
            }
        ]
    }


SERVICE = offer(
    Service(
        "placement",
        "placement",
        "/placement",
        "placement",
        lambda base: {"/placement": placement_root()},
        PlacementState,
        microversions=("1.0", PLACEMENT_MAX),
    )
)


# -- routes ----------------------------------------------------------------------------------------


def _provider_body(p: Provider) -> dict[str, Any]:
    links = [{"href": f"/resource_providers/{p.uuid}", "rel": "self"}] + [
        {"href": f"/resource_providers/{p.uuid}/{rel}", "rel": rel}
        for rel in ("aggregates", "inventories", "usages", "traits", "allocations")
    ]
    return {
        "generation": p.generation,
        "uuid": p.uuid,
        "links": links,
        "name": p.name,
        "parent_provider_uuid": p.parent_uuid,
        "root_provider_uuid": p.root_uuid,
    }


@route(r"/placement/resource_providers")
def resource_providers(req: Request) -> Result:
    with req.cloud.lock:
        items = [_provider_body(p) for p in req.cloud.providers.values()]
    if req.arg("in_tree"):
        root = req.cloud.providers.get(req.arg("in_tree") or "")
        items = [i for i in items if root and i["root_provider_uuid"] == root.root_uuid]
    return 200, {"resource_providers": filter_by(items, req, "name", "uuid")}


def _provider(req: Request, uuid: str) -> Provider | None:
    return req.cloud.providers.get(uuid)


@route(r"/placement/resource_providers/([0-9a-f-]{36})/inventories")
def inventories(req: Request, uuid: str) -> Result:
    p = _provider(req, uuid)
    if p is None:
        return NOT_FOUND
    return 200, {
        "inventories": {rc: inv.body() for rc, inv in p.inventories.items()},
        "resource_provider_generation": p.generation,
    }


@route(r"/placement/resource_providers/([0-9a-f-]{36})/usages")
def usages(req: Request, uuid: str) -> Result:
    p = _provider(req, uuid)
    if p is None:
        return NOT_FOUND
    used = req.cloud.usages(uuid)
    # Placement reports every inventoried class, 0 when unused.
    return 200, {
        "usages": {rc: used.get(rc, 0) for rc in p.inventories},
        "resource_provider_generation": p.generation,
    }


@route(r"/placement/resource_providers/([0-9a-f-]{36})/traits")
def traits(req: Request, uuid: str) -> Result:
    p = _provider(req, uuid)
    if p is None:
        return NOT_FOUND
    return 200, {"traits": sorted(p.traits), "resource_provider_generation": p.generation}


@route(r"/placement/allocations/([0-9a-f-]{36})")
def allocations(req: Request, consumer: str) -> Result:
    with req.cloud.lock:
        alloc = req.cloud.allocations.get(consumer, {})
        body = {
            "allocations": {
                puuid: {"generation": req.cloud.providers[puuid].generation, "resources": res}
                for puuid, res in alloc.items()
                if puuid in req.cloud.providers
            }
        }
    return 200, body


@route(r"/placement/allocation_candidates")
def allocation_candidates(req: Request) -> Result:
    """Unnumbered request group only: every root whose tree can hold one of each resource.

    A second, independent reading of Placement's rules (capacity, min/max_unit, step_size,
    required traits among the supplying providers, forbidden on none of them, member_of), so
    the exporter's own arithmetic can be checked against it.
    """
    cloud = req.cloud
    wanted = {
        rc: int(n)
        for rc, _, n in (
            part.partition(":") for part in (req.arg("resources") or "").split(",") if part
        )
    }
    required = {t for t in (req.arg("required") or "").split(",") if t and not t.startswith("!")}
    forbidden = {t[1:] for t in (req.arg("required") or "").split(",") if t.startswith("!")}
    member_of = set((req.arg("member_of") or "").removeprefix("in:").split(",")) - {""}
    limit = int(req.arg("limit") or 0)
    candidates, summaries = [], {}
    with cloud.lock:
        roots = [p for p in cloud.providers.values() if p.parent_uuid is None]
        for root in roots:
            tree = [p for p in cloud.providers.values() if p.root_uuid == root.uuid]
            if member_of and not (root.aggregates & member_of):
                continue
            alloc: dict[str, dict[str, int]] = {}
            for rc, amount in wanted.items():
                target = next(
                    (
                        p
                        for p in tree
                        if fits(p, cloud.usages(p.uuid), rc, amount) and not forbidden & p.traits
                    ),
                    None,
                )
                if target is None:
                    break
                alloc.setdefault(target.uuid, {})[rc] = amount
            if sum(len(r) for r in alloc.values()) < len(wanted):
                continue  # some class found no provider
            if not required <= set().union(*(cloud.providers[u].traits for u in alloc)):
                continue
            candidates.append(
                {
                    "allocations": {u: {"resources": r} for u, r in alloc.items()},
                    "mappings": {"": sorted(alloc)},
                }
            )
            for p in tree:
                used = cloud.usages(p.uuid)
                summaries[p.uuid] = {
                    "resources": {
                        rc: {"capacity": int(inv.capacity), "used": used.get(rc, 0)}
                        for rc, inv in p.inventories.items()
                    },
                    "traits": sorted(p.traits),
                    "parent_provider_uuid": p.parent_uuid,
                    "root_provider_uuid": p.root_uuid,
                }
            if limit and len(candidates) >= limit:
                break
    return 200, {"allocation_requests": candidates, "provider_summaries": summaries}


@route(r"/placement/resource_providers/([0-9a-f-]{36})/allocations")
def provider_allocations(req: Request, uuid: str) -> Result:
    cloud = req.cloud
    with cloud.lock:
        p = cloud.providers.get(uuid)
        if p is None:
            return NOT_FOUND
        allocs = {
            consumer: {"resources": dict(alloc[uuid])}
            for consumer, alloc in cloud.allocations.items()
            if uuid in alloc
        }
        return 200, {"allocations": allocs, "resource_provider_generation": p.generation}
