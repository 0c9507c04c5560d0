"""The student release: stubs, the grader and its public checks, with recorded expected values.

`grade release OUT` builds it (see :func:`grader.release.build.build_release`);
inside an installed release, :func:`grader.release.manifest.current_release`
says which seed the recordings are for.
"""
