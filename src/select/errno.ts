/** errno values used by the select module's objects. @internal @module */
import {constants as osConstants} from 'node:os';

export const {ENOENT, EBADF, EINVAL, EAGAIN} = osConstants.errno;
