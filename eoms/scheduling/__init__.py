"""Scheduling: tasks, dependencies, calendars, milestones, baselines, Gantt."""
