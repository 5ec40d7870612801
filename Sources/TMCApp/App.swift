import TMCHTTP
import TMCPostgres
