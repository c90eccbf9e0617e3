#ifndef ORCH_REF_PATH_H
#define ORCH_REF_PATH_H

/*
 * The branch git really moves when it writes refs/heads/NAME under a
 * common directory. A directory on the way may be a symbolic link
 * (refs/heads/link -> .), and git writes through it: a commit on
 * "link/main" moves main. No libgit2 here: the light front end links it.
 * Returns the name the file has under refs/heads (caller frees); NAME
 * itself when nothing on the way is a link or it leads out of refs/heads.
 */
char *orch_branch_on_disk(const char *commondir, const char *name);

/*
 * The branch a HEAD that is a symbolic link names (git still reads one
 * whose text starts with "refs/" as a symbolic ref): its name under
 * refs/heads (caller frees), or NULL when HEAD is no such link.
 */
char *orch_head_link_branch(const char *gitdir);

#endif
