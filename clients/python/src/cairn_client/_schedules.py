"""Schedules: workflows the server starts itself at the times a cron expression names."""

from __future__ import annotations

from typing import Any, AsyncIterator, Iterator, Mapping, Optional

from cairn_client._gen.cairn.v1 import (
    schedule_pb2,
    schedule_service_pb2,
    schedule_service_pb2_grpc,
)
from cairn_client._spec import WorkflowSource, submit_request
from cairn_client._submitted import Submitted

OVERLAP_POLICIES = {
    "skip": schedule_pb2.OVERLAP_POLICY_SKIP,
    "buffer_one": schedule_pb2.OVERLAP_POLICY_BUFFER_ONE,
    "allow_all": schedule_pb2.OVERLAP_POLICY_ALLOW_ALL,
    "cancel_previous": schedule_pb2.OVERLAP_POLICY_CANCEL_PREVIOUS,
}


def create_schedule_request(
    schedule_id: str,
    workflow: WorkflowSource,
    cron: str,
    *,
    time_zone: str = "",
    params: Optional[Mapping[str, str]] = None,
    labels: Optional[Mapping[str, str]] = None,
    overlap: str = "skip",
    catch_up_window: Optional[float] = None,
    paused: bool = False,
) -> schedule_service_pb2.CreateScheduleRequest:
    """The CreateScheduleRequest for a workflow source, taken as ``Client.submit`` takes it."""
    if overlap not in OVERLAP_POLICIES:
        raise ValueError(f"overlap: use one of {', '.join(OVERLAP_POLICIES)}, got {overlap!r}")
    submit = submit_request(workflow)
    request = schedule_service_pb2.CreateScheduleRequest(
        schedule_id=schedule_id,
        workflow_yaml=submit.workflow_yaml,
        base_dir=submit.base_dir,
        cron=cron,
        time_zone=time_zone,
        params=dict(params or {}),
        labels=dict(labels or {}),
        overlap_policy=OVERLAP_POLICIES[overlap],
        paused=paused,
    )
    if submit.HasField("spec"):
        request.spec.CopyFrom(submit.spec)
    if catch_up_window is not None:
        if catch_up_window < 0:
            raise ValueError("catch_up_window: seconds, not negative")
        request.catch_up_window.FromNanoseconds(int(catch_up_window * 1e9))
    return request


class ScheduleMethods:
    """The schedule calls of :class:`Client`; mixed in, they use its channel and metadata."""

    _channel: Any

    def _call(self, method, request):  # type: ignore[no-untyped-def]
        raise NotImplementedError

    @property
    def _schedules(self) -> schedule_service_pb2_grpc.ScheduleServiceStub:
        return schedule_service_pb2_grpc.ScheduleServiceStub(self._channel)

    def create_schedule(
        self,
        schedule_id: str,
        workflow: WorkflowSource,
        cron: str,
        *,
        time_zone: str = "",
        params: Optional[Mapping[str, str]] = None,
        labels: Optional[Mapping[str, str]] = None,
        overlap: str = "skip",
        catch_up_window: Optional[float] = None,
        paused: bool = False,
    ) -> schedule_service_pb2.Schedule:
        """Creates a schedule and returns it.

        ``cron`` has 5 fields (minute hour day month weekday) or 6 (seconds first), read in
        ``time_zone`` (an IANA name; default UTC). ``overlap`` is what a firing does while the
        previous run has not ended: ``skip``, ``buffer_one``, ``allow_all`` or
        ``cancel_previous``. ``catch_up_window`` (seconds; default 60) is how late a time may
        still start its run after downtime. A bad expression, zone or workflow raises
        ``InvalidArgument``; an id in use a CairnError of code ALREADY_EXISTS.
        """
        request = create_schedule_request(
            schedule_id,
            workflow,
            cron,
            time_zone=time_zone,
            params=params,
            labels=labels,
            overlap=overlap,
            catch_up_window=catch_up_window,
            paused=paused,
        )
        return self._call(self._schedules.CreateSchedule, request).schedule

    def list_schedules(self) -> Iterator[schedule_service_pb2.Schedule]:
        """Yields every schedule by id, fetching pages as needed."""
        request = schedule_service_pb2.ListSchedulesRequest()
        while True:
            response = self._call(self._schedules.ListSchedules, request)
            yield from response.schedules
            if not response.next_page_token:
                return
            request.page_token = response.next_page_token

    def get_schedule(
        self, schedule_id: str, next_count: int = 0, recent_count: int = 0
    ) -> schedule_service_pb2.GetScheduleResponse:
        """Describes a schedule: its next firings, recent runs and recent times not run."""
        request = schedule_service_pb2.GetScheduleRequest(
            schedule_id=schedule_id, next_count=next_count, recent_count=recent_count
        )
        return self._call(self._schedules.GetSchedule, request)

    def pause_schedule(self, schedule_id: str, note: str = "") -> schedule_service_pb2.Schedule:
        """Stops the schedule firing until resumed."""
        request = schedule_service_pb2.PauseScheduleRequest(schedule_id=schedule_id, note=note)
        return self._call(self._schedules.PauseSchedule, request).schedule

    def resume_schedule(self, schedule_id: str) -> schedule_service_pb2.Schedule:
        """Fires again from now on; the times that fell while paused are not run."""
        request = schedule_service_pb2.ResumeScheduleRequest(schedule_id=schedule_id)
        return self._call(self._schedules.ResumeSchedule, request).schedule

    def delete_schedule(self, schedule_id: str) -> None:
        """Deletes the schedule; the runs it started are kept."""
        request = schedule_service_pb2.DeleteScheduleRequest(schedule_id=schedule_id)
        self._call(self._schedules.DeleteSchedule, request)

    def trigger_schedule(self, schedule_id: str, request_id: Optional[str] = None) -> Submitted:
        """Starts a run of the schedule now and returns its id; a repeated key returns it."""
        request = schedule_service_pb2.TriggerScheduleRequest(
            schedule_id=schedule_id, request_id=request_id or ""
        )
        response = self._call(self._schedules.TriggerSchedule, request)
        return Submitted(response.run_id, response.existing)


class AsyncScheduleMethods:
    """The schedule calls of :class:`AsyncClient`; as :class:`ScheduleMethods`, awaited."""

    _channel: Any

    async def _call(self, method, request):  # type: ignore[no-untyped-def]
        raise NotImplementedError

    @property
    def _schedules(self) -> schedule_service_pb2_grpc.ScheduleServiceStub:
        return schedule_service_pb2_grpc.ScheduleServiceStub(self._channel)

    async def create_schedule(
        self,
        schedule_id: str,
        workflow: WorkflowSource,
        cron: str,
        *,
        time_zone: str = "",
        params: Optional[Mapping[str, str]] = None,
        labels: Optional[Mapping[str, str]] = None,
        overlap: str = "skip",
        catch_up_window: Optional[float] = None,
        paused: bool = False,
    ) -> schedule_service_pb2.Schedule:
        """Creates a schedule and returns it; see :meth:`ScheduleMethods.create_schedule`."""
        request = create_schedule_request(
            schedule_id,
            workflow,
            cron,
            time_zone=time_zone,
            params=params,
            labels=labels,
            overlap=overlap,
            catch_up_window=catch_up_window,
            paused=paused,
        )
        return (await self._call(self._schedules.CreateSchedule, request)).schedule

    async def list_schedules(self) -> AsyncIterator[schedule_service_pb2.Schedule]:
        """Yields every schedule by id, fetching pages as needed."""
        request = schedule_service_pb2.ListSchedulesRequest()
        while True:
            response = await self._call(self._schedules.ListSchedules, request)
            for schedule in response.schedules:
                yield schedule
            if not response.next_page_token:
                return
            request.page_token = response.next_page_token

    async def get_schedule(
        self, schedule_id: str, next_count: int = 0, recent_count: int = 0
    ) -> schedule_service_pb2.GetScheduleResponse:
        """Describes a schedule: its next firings, recent runs and recent times not run."""
        request = schedule_service_pb2.GetScheduleRequest(
            schedule_id=schedule_id, next_count=next_count, recent_count=recent_count
        )
        return await self._call(self._schedules.GetSchedule, request)

    async def pause_schedule(
        self, schedule_id: str, note: str = ""
    ) -> schedule_service_pb2.Schedule:
        """Stops the schedule firing until resumed."""
        request = schedule_service_pb2.PauseScheduleRequest(schedule_id=schedule_id, note=note)
        return (await self._call(self._schedules.PauseSchedule, request)).schedule

    async def resume_schedule(self, schedule_id: str) -> schedule_service_pb2.Schedule:
        """Fires again from now on; the times that fell while paused are not run."""
        request = schedule_service_pb2.ResumeScheduleRequest(schedule_id=schedule_id)
        return (await self._call(self._schedules.ResumeSchedule, request)).schedule

    async def delete_schedule(self, schedule_id: str) -> None:
        """Deletes the schedule; the runs it started are kept."""
        request = schedule_service_pb2.DeleteScheduleRequest(schedule_id=schedule_id)
        await self._call(self._schedules.DeleteSchedule, request)

    async def trigger_schedule(
        self, schedule_id: str, request_id: Optional[str] = None
    ) -> Submitted:
        """Starts a run of the schedule now and returns its id; a repeated key returns it."""
        request = schedule_service_pb2.TriggerScheduleRequest(
            schedule_id=schedule_id, request_id=request_id or ""
        )
        response = await self._call(self._schedules.TriggerSchedule, request)
        return Submitted(response.run_id, response.existing)
